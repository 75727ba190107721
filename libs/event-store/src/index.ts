export * from './hash-chain';
export * from './event-store';
export * from './pg-listener';
