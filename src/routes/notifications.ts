import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, identity, router } from "./common";
import { body, json } from "./withdrawal-shared";

export const notificationRoutes = router();

interface NotificationRow {
  id: string;
  withdrawal_id: string | null;
  kind: string;
  data: string;
  created_at: number;
  read_at: number | null;
}

const Notification = z
  .object({
    id: z.string(),
    withdrawal_id: z.string().nullable(),
    kind: z.string(),
    data: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    read: z.boolean(),
  })
  .openapi("Notification");

notificationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/notifications",
    summary: "The caller's notifications, newest first",
    request: {
      query: z
        .object({
          limit: z.coerce.number().int().min(1).max(100).default(50),
          cursor: z.string().regex(/^\d{1,15}:[0-9a-f-]{36}$/, "cursor from a previous page").optional(),
          unread: z.enum(["true", "false"]).optional(),
        })
        .strict(),
    },
    responses: { 200: json(z.object({ notifications: z.array(Notification), unread_count: z.number().int(), next_cursor: z.string().nullable() }), "A page"), ...errorResponses },
  }),
  async (c) => {
    const { limit, cursor, unread } = c.req.valid("query");
    const userId = identity(c).userId;
    const where = ["user_id = ?"];
    const args: (string | number)[] = [userId];
    if (unread === "true") where.push("read_at IS NULL");
    if (cursor) {
      const [at, id] = cursor.split(":");
      where.push("(created_at < ? OR (created_at = ? AND id < ?))");
      args.push(Number(at), Number(at), id);
    }
    const [page, count] = await c.env.DB.batch([
      c.env.DB.prepare(`SELECT * FROM notifications WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`).bind(...args, limit + 1),
      c.env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL").bind(userId),
    ]);
    const rows = page.results as NotificationRow[];
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return c.json(
      {
        notifications: shown.map((n) => ({
          id: n.id,
          withdrawal_id: n.withdrawal_id,
          kind: n.kind,
          data: JSON.parse(n.data) as Record<string, unknown>,
          created_at: new Date(n.created_at).toISOString(),
          read: n.read_at !== null,
        })),
        unread_count: (count.results[0] as { n: number }).n,
        next_cursor: rows.length > limit && last ? `${last.created_at}:${last.id}` : null,
      },
      200,
    );
  },
);

notificationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/notifications/read",
    summary: "Mark notifications as read: the listed ids, or all of them",
    request: body(
      z
        .object({ ids: z.array(z.string().uuid()).min(1).max(100).optional(), all: z.literal(true).optional() })
        .strict()
        .refine((v) => (v.ids === undefined) !== (v.all === undefined), { message: "send either ids or all: true", path: ["ids"] }),
    ),
    responses: { 200: json(z.object({ marked: z.number().int() }), "Marked"), ...errorResponses },
  }),
  async (c) => {
    const { ids } = c.req.valid("json");
    const userId = identity(c).userId;
    const now = Date.now();
    const res = ids
      ? await c.env.DB.prepare(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (${ids.map(() => "?").join(", ")})`)
          .bind(now, userId, ...ids)
          .run()
      : await c.env.DB.prepare("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL").bind(now, userId).run();
    return c.json({ marked: res.meta.changes ?? 0 }, 200);
  },
);
