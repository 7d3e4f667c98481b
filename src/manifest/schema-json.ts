// The shipped JSON Schema, bundled into the build (esbuild inlines JSON imports).
import schema from '../../schema/pre-test-validation.schema.json' with { type: 'json' };

export const PRE_TEST_VALIDATION_SCHEMA: unknown = schema;
