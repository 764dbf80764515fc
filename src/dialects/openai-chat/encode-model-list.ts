export interface ListedModel {
  id: string;
  ownedBy: string;
  /** Unix seconds. */
  created: number;
}

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** One model in OpenAI's `GET /v1/models/{id}` shape. */
export function encodeModel(model: ListedModel): OpenAIModel {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}

/** OpenAI's `GET /v1/models` list. */
export function encodeModelList(models: readonly ListedModel[]): { object: 'list'; data: OpenAIModel[] } {
  return { object: 'list', data: models.map(encodeModel) };
}
