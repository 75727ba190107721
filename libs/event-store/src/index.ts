export * from './hash-chain';
export * from './event-store';
export * from './pg-listener';
export * from './event-notifier';
export * from './committed-event-feed';
