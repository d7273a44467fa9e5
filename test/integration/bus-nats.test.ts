import { afterAll, beforeAll } from 'vitest';
import { NatsBus } from '../../bus';
import { eventBusContract } from '../bus/contract';
import { startNatsServer } from '../support/nats-server';

let server: Awaited<ReturnType<typeof startNatsServer>>;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.stop();
});

// Publisher and subscriber on separate connections, as a collector and an alert engine would be.
eventBusContract('NATS (real nats-server)', async () => {
  const subscriberSide = await NatsBus.connect(server.url, { name: 'test-subscriber' });
  const publisherSide = await NatsBus.connect(server.url, { name: 'test-publisher' });
  const bus = {
    publish: publisherSide.publish.bind(publisherSide),
    subscribe: subscriberSide.subscribe.bind(subscriberSide),
    subscribeAll: subscriberSide.subscribeAll.bind(subscriberSide),
  };
  return {
    bus,
    settle: async () => {
      await subscriberSide.flush();
      await publisherSide.flush();
    },
    close: async () => {
      await publisherSide.close();
      await subscriberSide.close();
    },
  };
});
