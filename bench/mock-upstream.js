// Runs the bench's mock upstream (OpenAI Chat Completions and Anthropic Messages) on 127.0.0.1, as
// a child of a bench script (port reported over IPC) or by hand: `node bench/mock-upstream.js --port 9000`.
// Env: MOCK_STREAM_CHUNKS (default 20), MOCK_CHUNK_INTERVAL_MS (default 0), for models whose name
// does not choose them (see lib/mock-model-behaviour.js).
// IPC: `{type: 'in-flight', id}` answers the requests open now and the peak since the last query;
// `{type: 'path-marks', id, record}` answers the path marks taken since the last query and records
// from then on while `record` is true (lib/mock-openai-upstream.js).
import { announceReady, requestedPort } from './lib/child-ready.js';
import { createMockOpenAIUpstream } from './lib/mock-openai-upstream.js';

const server = createMockOpenAIUpstream({
  streamChunks: Number(process.env.MOCK_STREAM_CHUNKS ?? 20),
  chunkIntervalMs: Number(process.env.MOCK_CHUNK_INTERVAL_MS ?? 0),
});
server.listen(requestedPort(), '127.0.0.1', () => announceReady(server));

process.on('message', (message) => {
  if (message && typeof message === 'object' && message.type === 'in-flight') {
    process.send?.({ type: 'in-flight', id: message.id, current: server.inFlight.current, peak: server.inFlight.peak });
    server.inFlight.peak = server.inFlight.current;
  }
  if (message && typeof message === 'object' && message.type === 'path-marks') {
    process.send?.({ type: 'path-marks', id: message.id, marks: server.pathMarks.marks });
    server.pathMarks.marks = [];
    server.pathMarks.recording = message.record === true;
  }
});
