import { createApp } from './app';
import { housekeep } from './housekeeping';

const app = createApp();

export default {
  fetch: app.fetch,
  // The cron trigger of wrangler.toml; its time is the run's clock.
  async scheduled(controller, env) {
    await housekeep(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
