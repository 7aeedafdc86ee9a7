/**
 * Fastify compiles every route's JSON schema with Ajv at startup, which costs about 30 ms on these
 * machines for the one schema we have (PUT /api/faults). This factory hands fastify validators that load
 * fastify's own Ajv compiler and compile on first use instead, keeping Ajv off the start → ready path.
 */
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
type Validate = ((data: unknown) => boolean) & { errors?: unknown };

// Resolved from fastify's location: the compiler is fastify's dependency, at the version fastify expects.
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

type Build = (...args: unknown[]) => (routeSchema: unknown) => Validate;

// Typed loosely: fastify's ValidatorFactory type is an overload set (Ajv or JTD) that a wrapper cannot restate.
export const lazyValidatorFactory = ((externalSchemas: unknown, ajvOptions: unknown) => {
  let buildCompiler: ReturnType<Build> | undefined;
  return (routeSchema: unknown) => {
    let validate: Validate | undefined;
    const lazy: Validate = (data) => {
      if (!validate) {
        const AjvCompiler = requireFromFastify('@fastify/ajv-compiler') as () => Build;
        buildCompiler ??= AjvCompiler()(externalSchemas, ajvOptions);
        validate = buildCompiler(routeSchema);
      }
      const valid = validate(data);
      lazy.errors = validate.errors;
      return valid;
    };
    return lazy;
  };
}) as unknown as ValidatorFactory;
