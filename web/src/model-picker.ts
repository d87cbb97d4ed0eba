import type { MoatApi } from './api-client.js';
import { element } from './dom.js';

interface ModelList {
  data: { id: string }[];
}

/** A select of the catalog's models, as `/v1/models` lists them. */
export async function createModelPicker(api: MoatApi): Promise<HTMLSelectElement> {
  const models = await api.getJson<ModelList>('/v1/models');
  const picker = element('select', { attributes: { id: 'model', 'aria-label': 'Model' } });
  for (const model of models.data) {
    picker.append(element('option', { text: model.id, attributes: { value: model.id } }));
  }
  return picker;
}
