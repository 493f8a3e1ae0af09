package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.aws.sqs.SqsBatchQueue;
import io.signalhub.indexing.core.pipeline.BatchMessage;
import io.signalhub.indexing.core.pipeline.BatchQueue;
import io.signalhub.indexing.core.pipeline.BatchQueueContract;
import io.signalhub.indexing.core.retry.Sleeper;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/** The {@link BatchQueue} contract on ElasticMQ, a fresh queue per test. */
class SqsBatchQueueIT extends BatchQueueContract {

  private String queueUrl;

  @Override
  protected BatchQueue newQueue() {
    String name = EmbeddedClients.unique("batches");
    queueUrl = EmbeddedClients.aws().sqs().createQueue(r -> r.queueName(name)).queueUrl();
    return new SqsBatchQueue(EmbeddedClients.aws().sqs(), queueUrl, Sleeper.system());
  }

  /** Receives until the queue has nothing visible (messages stay invisible for a minute). */
  @Override
  protected List<BatchMessage> received() {
    List<BatchMessage> received = new ArrayList<>();
    List<Message> messages;
    do {
      messages =
          EmbeddedClients.aws()
              .sqs()
              .receiveMessage(
                  r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(60))
              .messages();
      messages.forEach(m -> received.add(BatchMessage.parse(m.body())));
    } while (!messages.isEmpty());
    return received;
  }
}
