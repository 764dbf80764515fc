export { decodeEmbeddingRequest } from './decode-embedding-request.js';
export { encodeEmbeddingResponse, type OpenAIEmbeddingList } from './encode-embedding-response.js';
