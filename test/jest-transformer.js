/**
 * ts-jest for our TypeScript and for the ES-module-only NestJS 12 packages. Jest on Node 20
 * cannot require ES modules, so they are compiled to CommonJS too, after `import.meta.url`
 * (which CommonJS lacks) is replaced by the file's own URL.
 */
const { TsJestTransformer } = require('ts-jest');

const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
const FILE_URL = "require('node:url').pathToFileURL(__filename).href";
// `const require = createRequire(import.meta.url)` would shadow CommonJS's own require.
const REQUIRE_DECLARATION = /\b(const|let|var) require\s*=/g;

const toCommonJs = (source) =>
  source.replace(IMPORT_META_URL, FILE_URL).replace(REQUIRE_DECLARATION, '$1 esmRequire =');

class EsmAwareTransformer extends TsJestTransformer {
  process(source, path, options) {
    return super.process(toCommonJs(source), path, options);
  }

  processAsync(source, path, options) {
    return super.processAsync(toCommonJs(source), path, options);
  }

  getCacheKey(source, path, options) {
    return super.getCacheKey(toCommonJs(source), path, options);
  }
}

module.exports = {
  createTransformer: (config) => new EsmAwareTransformer(config),
};
