import { ConsoleLogger } from '@nestjs/common';

/**
 * Nest's start-up chatter (one line per module and per route, ~60 lines)
 * moves to the debug level, so that at the default level the last thing a
 * first start prints is the "listening" line and, when one was generated,
 * the admin key box. LOG_LEVEL=debug shows the routes again.
 */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

export class AppLogger extends ConsoleLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.length > 0 ? optionalParams[optionalParams.length - 1] : this.context;
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) {
      super.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}
