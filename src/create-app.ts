import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { enabledLogLevels, type AppConfig } from '@1tt/config';
import { AppModule, type AppModuleOptions } from './app.module';
import { serveDashboard } from './dashboard/dashboard-assets';
import { setupOpenApi } from './docs/openapi';
import { AppLogger } from './logging/app-logger';
import { jsonBodyParser } from './http/json-body.middleware';
import { createValidationPipe } from './http/validation.pipe';

export interface CreateAppOptions extends AppModuleOptions {
  /** Install SIGTERM/SIGINT handlers (main does; tests close explicitly). Default false. */
  shutdownHooks?: boolean;
  /** Override LOG_LEVEL (tests keep Nest quiet). */
  logger?: false | ReturnType<typeof enabledLogLevels>;
}

/**
 * Builds the API application (not listening yet): the one function main and
 * the e2e tests share, so tests run exactly what production runs.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, options), {
    bodyParser: false,
    logger: options.logger === false ? false : new AppLogger({ logLevels: options.logger ?? enabledLogLevels(config.logLevel) }),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // req.ip is the client for the per-address limits: the socket's address unless TRUST_PROXY hops of
  // load balancers are declared in front (then X-Forwarded-For from those hops is believed, nothing more).
  app.set('trust proxy', config.trustProxyHops);
  app.use(jsonBodyParser(config.jsonBodyMaxBytes));
  app.useGlobalPipes(createValidationPipe());
  if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  setupOpenApi(app);
  serveDashboard(app);
  await app.init();
  // Node's default (300 s) cut uploads with a bare 408 and no body; the upload route answers problem+json
  // at UPLOAD_TIMEOUT_SECONDS, and the server's own limit stays a minute behind it as the backstop.
  const server = app.getHttpServer() as import('node:http').Server;
  server.requestTimeout = (config.uploadTimeoutSeconds + 60) * 1000;
  return app;
}

export async function listen(app: INestApplication, config: AppConfig): Promise<string> {
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  new Logger('1TT').log(`API listening on ${url} (docs at ${url}/docs)`);
  return url;
}
