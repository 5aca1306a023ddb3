import * as assert from 'assert';
import { CAPABILITY_NAMES, capabilityNames, type Capabilities, supports } from '../../src/core/capabilities';

describe('capabilities', () => {
  const caps: Capabilities = {
    web: { url: async () => 'https://example.invalid/page' },
    trash: { kind: 'trash', list: async () => ({ items: [] }), restore: async () => ({ succeeded: [], failed: [] }), purge: async () => ({ succeeded: [], failed: [] }) },
  };

  it('supports() is true exactly for the capabilities a store has', () => {
    assert.strictEqual(supports(caps, 'trash'), true);
    assert.strictEqual(supports(caps, 'web'), true);
    assert.strictEqual(supports(caps, 'links'), false);
    assert.strictEqual(supports(undefined, 'trash'), false);
  });

  it('capabilityNames() lists them in CAPABILITY_NAMES order, whatever order the object has', () => {
    assert.deepStrictEqual(capabilityNames(caps), ['trash', 'web']);
    assert.deepStrictEqual(capabilityNames(undefined), []);
    assert.strictEqual(new Set(CAPABILITY_NAMES).size, CAPABILITY_NAMES.length);
  });
});
