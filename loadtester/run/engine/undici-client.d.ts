// undici's Client class on its own (see undici-engine.ts): the module is the class, typed as undici's index types it.
declare module 'undici/lib/dispatcher/client.js' {
  import { Client } from 'undici';
  export = Client;
}
