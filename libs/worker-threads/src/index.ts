export { startWorkerThread } from './start-worker-thread';
