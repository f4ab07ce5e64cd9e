import { SetMetadata } from '@nestjs/common';

/** IS_PUBLIC marks routes reachable without a login (`/health`, the login page). */
export const IS_PUBLIC = 'ebbflow:public';

/** Public lets a route be reached without a login. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
