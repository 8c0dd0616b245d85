// zod, extended once with `.openapi()` metadata so that the schemas that validate requests also document them.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
