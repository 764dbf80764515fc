/** Names of the messages about a worker's life, shared by the primary and the workers. */

/** Note, worker → primary: its settlement writer runs (from now on it takes part in pauses). */
export const WORKER_WRITER_READY = 'worker.writerReady';
/** Note, worker → primary: it listens; payload: the port. */
export const WORKER_LISTENING = 'worker.listening';
/** Call, worker → primary: store what every worker has recorded so far. */
export const FLUSH_EVERY_WRITER = 'settlements.flushEveryWriter';
/** Call, primary → worker: store what this worker has recorded so far. */
export const FLUSH_WRITER = 'settlements.flushWriter';

/** Environment variable the primary starts each worker with: its index, 1…N. */
export const WORKER_INDEX_VARIABLE = 'SWITCHYARD_WORKER_INDEX';

/** Notes, worker → primary → every other worker: changes to the state each worker keeps a copy of. */
export const RESPONSE_SAVED = 'replica.responseSaved';
export const LOGIN_FAILED = 'replica.loginFailed';
export const LOGIN_RESET = 'replica.loginReset';
export const REPLICATED_NOTES = [RESPONSE_SAVED, LOGIN_FAILED, LOGIN_RESET] as const;
