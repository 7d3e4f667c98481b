// k6/secrets: `await secrets.get(name)` from the default source, `secrets.source(name).get(key)`
// from a named one (sources come from --secret-source). The host masks every value it hands out.
import { call } from 'k6p:internal/host';

function sourceObject(sourceName) {
  return {
    get(key) {
      try {
        return Promise.resolve(call('secrets.get', { source: sourceName, key: String(key) }).value);
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}

const secrets = sourceObject('default');
secrets.source = (name) => sourceObject(String(name));

export default secrets;
