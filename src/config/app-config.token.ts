/** DI token of the validated AppConfig (an interface, so it needs a token). Inject with `@Inject(APP_CONFIG)`. */
export const APP_CONFIG = Symbol('APP_CONFIG');
