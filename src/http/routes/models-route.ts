import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import { encodeModel, encodeModelList } from '../../dialects/openai-chat/encode-model-list.js';
import type { GatewayServices } from '../gateway-services.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import type { Caller } from '../../accounts/api-key-authenticator.js';
import type { RoutableModel } from '../../routing/route-planner.js';
import { modelAllowlistOf } from '../../accounts/model-allowlist.js';

/** `GET /v1/models`: the models routable now, narrowed to the key's allowlist when a key is sent. */
export function registerModelsRoute(app: FastifyInstance, services: GatewayServices): void {
  async function visibleModels(headers: Parameters<typeof apiKeyFromHeaders>[0]): Promise<RoutableModel[]> {
    const key = apiKeyFromHeaders(headers);
    const caller: Caller | null = key ? await services.authenticator.authenticate(key) : null;
    const models = services.planner().routableModels();
    const allowlist = modelAllowlistOf(caller?.key.models ?? []);
    return allowlist.allowsEveryModel ? models : models.filter((model) => allowlist.allows(model.id, `${model.ownedBy}/${model.id}`));
  }

  app.get('/v1/models', async (request) => encodeModelList(await visibleModels(request.headers)));

  // Model ids may contain "/" (demo/echo, provider pins), so the id is the rest of the path.
  app.get('/v1/models/*', async (request) => {
    const id = (request.params as { '*': string })['*'];
    const model = (await visibleModels(request.headers)).find((candidate) => candidate.id === id);
    if (!model) throw new GatewayError('model_not_found', `The model '${id}' does not exist or is not available.`, { param: 'model' });
    return encodeModel(model);
  });
}
