/** The package name Homebridge knows the plugin by (package.json `name`). */
export const PLUGIN_NAME = '@lockbridge/homebridge-lockbridge';
/** The platform alias users write in config.json (`"platform": "Lockbridge"`): a contract, never rename. */
export const PLATFORM_NAME = 'Lockbridge';
/** Our folder inside Homebridge's storage path: tokens, state and the settings-UI mailbox live here. */
export const STORAGE_FOLDER = 'lockbridge';
