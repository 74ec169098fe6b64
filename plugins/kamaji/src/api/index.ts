export { kamajiApiRef } from './KamajiApi';
export type { KamajiApi } from './KamajiApi';
export {
  KamajiClient,
  describeError,
  errorStatus,
  refusalMessage,
} from './KamajiClient';
export type { KamajiClientBackoff } from './KamajiClient';
export { SseParser } from './sse';
export type { SseFrame } from './sse';
export type * from './types';
