export { DEFAULT_WEB_ASSETS_DIR, WebAssets, type WebAsset } from './web-assets.js';
