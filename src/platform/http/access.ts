/**
 * Every route declares who may call it, in `config.access`; a route without a declaration
 * is refused at start-up. The platform knows only the shape; identity enforces it.
 */
export type Access =
  | { readonly public: true }
  | { readonly roles: readonly string[]; readonly purpose?: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** A page for people (HTML): errors are rendered as pages, not problem+json. */
    page?: boolean;
  }
}

export const PUBLIC: Access = { public: true };
