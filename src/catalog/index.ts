export { ModelCatalog, loadCatalog, DEMO_MODEL_NAME, type CatalogEntry } from './model-catalog.js';
