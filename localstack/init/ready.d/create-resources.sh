#!/usr/bin/env bash
# LocalStack init hook: the resources of the Signal Hub pipeline, named as the local stack names
# them (override with the same SIGNAL_HUB_* variables the functions read).
set -euo pipefail
BUCKET=${SIGNAL_HUB_BUCKET:-signal-hub-local}
JOBS=${SIGNAL_HUB_JOBS_TABLE:-signal-hub-jobs}
CACHE=${SIGNAL_HUB_CACHE_TABLE:-signal-hub-cache}
RATE=${SIGNAL_HUB_RATE_TABLE:-signal-hub-rate}
BATCHES=${SIGNAL_HUB_BATCH_QUEUE:-signal-hub-batches}
DLQ=${SIGNAL_HUB_DEAD_LETTER_QUEUE:-signal-hub-batches-dlq}
CONTINUATIONS=${SIGNAL_HUB_CONTINUATION_QUEUE:-signal-hub-fanout-continuations}
MAX_RECEIVES=${SIGNAL_HUB_MAX_RECEIVE_COUNT:-5}

awslocal s3 mb "s3://$BUCKET"
awslocal dynamodb create-table --table-name "$JOBS" --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
    AttributeName=gsi1pk,AttributeType=S AttributeName=createdAt,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --global-secondary-indexes 'IndexName=byCreated,KeySchema=[{AttributeName=gsi1pk,KeyType=HASH},{AttributeName=createdAt,KeyType=RANGE}],Projection={ProjectionType=ALL}'
awslocal dynamodb create-table --table-name "$CACHE" --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=key,AttributeType=S --key-schema AttributeName=key,KeyType=HASH
awslocal dynamodb create-table --table-name "$RATE" --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=budget,AttributeType=S --key-schema AttributeName=budget,KeyType=HASH
awslocal dynamodb update-time-to-live --table-name "$JOBS" --time-to-live-specification Enabled=true,AttributeName=expiresAt
awslocal dynamodb update-time-to-live --table-name "$CACHE" --time-to-live-specification Enabled=true,AttributeName=expiresAt

awslocal sqs create-queue --queue-name "$DLQ"
DLQ_ARN=$(awslocal sqs get-queue-attributes --queue-url "$(awslocal sqs get-queue-url --queue-name "$DLQ" --output text)" \
  --attribute-names QueueArn --query Attributes.QueueArn --output text)
awslocal sqs create-queue --queue-name "$BATCHES" --attributes \
  "{\"VisibilityTimeout\":\"1800\",\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$DLQ_ARN\\\",\\\"maxReceiveCount\\\":\\\"$MAX_RECEIVES\\\"}\"}"
awslocal sqs create-queue --queue-name "$CONTINUATIONS" --attributes VisibilityTimeout=5400
echo "signal-hub resources ready"
