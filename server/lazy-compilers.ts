/**
 * Fastify loads its Ajv validator and fast-json-stringify serializer compilers when an instance is
 * created and compiles route schemas at startup: together well over 50 ms on these machines, for one
 * body schema (PUT /api/faults) and no response schemas. These factories hand fastify compilers that
 * load fastify's own ones on first use instead, keeping them off the start → ready path.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;
type Validate = ((data: unknown) => boolean) & { errors?: unknown };
type BuildFromPool<F> = (externalSchemas: unknown, options: unknown) => (routeSchema: unknown) => F;

// Resolved from fastify's location: the compilers are fastify's dependencies, at the versions it expects.
// On first use too: resolving fastify's package (file lookups) cost about a millisecond of start-up.
let requireFromFastify: NodeJS.Require | undefined;

function loadSelector<F>(name: string): BuildFromPool<F> {
  requireFromFastify ??= createRequire(createRequire(import.meta.url).resolve('fastify'));
  return (requireFromFastify(name) as () => BuildFromPool<F>)();
}

// Typed loosely: fastify's factory types are overload sets (Ajv or JTD) that a wrapper cannot restate.
const lazyValidator = (externalSchemas: unknown, options: unknown) => {
  let compiler: ReturnType<BuildFromPool<Validate>> | undefined;
  return (routeSchema: unknown): Validate => {
    let validate: Validate | undefined;
    const lazy: Validate = (data) => {
      compiler ??= loadSelector<Validate>('@fastify/ajv-compiler')(externalSchemas, options);
      validate ??= compiler(routeSchema);
      const valid = validate(data);
      lazy.errors = validate.errors;
      return valid;
    };
    return lazy;
  };
};

const lazySerializer = (externalSchemas: unknown, options: unknown) => {
  let compiler: ReturnType<BuildFromPool<(data: unknown) => string>> | undefined;
  return (routeSchema: unknown) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown): string => {
      compiler ??= loadSelector<(data: unknown) => string>('@fastify/fast-json-stringify-compiler')(
        externalSchemas,
        options,
      );
      serialize ??= compiler(routeSchema);
      return serialize(data);
    };
  };
};

export const lazyCompilers = {
  buildValidator: lazyValidator,
  buildSerializer: lazySerializer,
} as unknown as CompilersFactory;
