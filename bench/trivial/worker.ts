// The yardstick for the HTTP bench: a Worker that does nothing, run by the same `wrangler dev` and
// workerd as the service, so that their throughputs can be compared on any machine.
export default {
  fetch(): Response {
    return new Response("ok");
  },
} satisfies ExportedHandler;
