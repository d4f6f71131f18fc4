import type { AlertNotice } from "./types";

const EMOJI: Record<AlertNotice["kind"], string> = {
  raised: ":rotating_light:",
  recovered: ":white_check_mark:",
  test: ":bell:",
};

export function noticeHeadline(notice: AlertNotice): string {
  if (notice.kind === "test") return "Test notification from the operator portal";
  const verb = notice.kind === "recovered" ? "Recovered" : notice.state === "alert" ? "ALERT" : "Warning";
  return `${verb}: ${notice.title}${notice.incidentId ? ` (incident #${notice.incidentId})` : ""}`;
}

/**
 * Slack's incoming-webhook shape (`text`, plus a section block); Teams and Discord accept it through their
 * Slack-compatible adapters. `portal` carries the same facts for receivers that want fields, not prose.
 */
export function webhookPayload(notice: AlertNotice) {
  const text = `${EMOJI[notice.kind]} *${noticeHeadline(notice)}*\n${notice.summary}`;
  return {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
    portal: notice,
  };
}

export function emailContent(notice: AlertNotice) {
  return {
    subject: `[portal] ${noticeHeadline(notice)}`,
    text: `${noticeHeadline(notice)}\n\n${notice.summary}\n\nCheck: ${notice.checkId ?? "none"}\nState: ${notice.state}\nAt: ${notice.at}\n\nSee /admin/alerts in the portal.\n`,
  };
}
