/** The environment variable in which the demo names its own pid to the pods it starts (parent-watch.ts). */
export const DEMO_PARENT_ENV = 'BLUEGREEN_DEMO_PARENT';
