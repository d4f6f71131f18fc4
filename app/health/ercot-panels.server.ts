import { getEnv } from "~/env/env.server";
import { ERCOT_DEFAULTS } from "~/env/schema.server";
import { summarisePem, summarisePfx } from "./certificates.server";
import type { HealthPanel, VariableState } from "./types";
import { describeVariables, reason, worstOf } from "./variables.server";

/** Certificates read as subject, issuer and expiry; the PEM text itself is never shown. */
function withCertificateSummaries(variables: VariableState[]): VariableState[] {
  const ews = getEnv().ercot.ews;
  const readers: Record<string, () => ReturnType<typeof summarisePem>> = {
    ERCOT_EWS_CERT: () => summarisePem(ews.certPem ?? ""),
    ERCOT_EWS_CA: () => summarisePem(ews.caPem ?? ""),
    ERCOT_EWS_PFX: () => summarisePfx(),
  };
  return variables.map((variable) => {
    const read = readers[variable.name];
    if (!read || variable.state !== "set") return variable;
    const display = variable.name === "ERCOT_EWS_PFX" ? variable.display : "certificate";
    try {
      return { ...variable, display, certificates: read() };
    } catch (error) {
      return { ...variable, state: "invalid", display: "", note: `Unreadable: ${reason(error)}` };
    }
  });
}

export function ercotPanels(): HealthPanel[] {
  const env = getEnv();
  const ews = withCertificateSummaries(
    describeVariables(
      [
        "ERCOT_EWS_BASE",
        "ERCOT_EWS_REPORTTYPE",
        "ERCOT_EWS_PFX",
        "ERCOT_EWS_PFX_PASS",
        "ERCOT_EWS_CERT",
        "ERCOT_EWS_KEY",
        "ERCOT_EWS_CA",
      ],
      { ERCOT_EWS_REPORTTYPE: ERCOT_DEFAULTS.ERCOT_EWS_REPORTTYPE },
    ),
  );
  const ewsConfigured = Boolean(
    env.ercot.ews.baseUrl && (env.ercot.ews.pfxBase64 || (env.ercot.ews.certPem && env.ercot.ews.keyPem)),
  );
  const api = describeVariables(
    [
      "ERCOT_SUBSCRIPTION_KEY",
      "ERCOT_USERNAME",
      "ERCOT_PASSWORD",
      "ERCOT_TOKEN_URL",
      "ERCOT_CLIENT_ID",
      "ERCOT_SCOPE",
      "ERCOT_PRODUCT_ID",
    ],
    ERCOT_DEFAULTS,
  );
  const apiConfigured = Boolean(env.ercot.api.subscriptionKey && env.ercot.api.username && env.ercot.api.password);
  const scrape = describeVariables(["ERCOT_PAGE_URL"], ERCOT_DEFAULTS);
  const preferred = ewsConfigured ? "EWS preferred" : apiConfigured ? "Public API preferred" : "scraping only";
  return [
    {
      id: "ercot-ews",
      title: "ERCOT EWS (mutual TLS)",
      status: worstOf(ews, ewsConfigured ? "ok" : "off"),
      mode: ewsConfigured ? "EWS preferred" : "not configured",
      detail: ewsConfigured
        ? "Used first; falls back to the Public API, then scraping."
        : "Set ERCOT_EWS_BASE and a certificate (PFX or PEM) to enable.",
      variables: ews,
    },
    {
      id: "ercot-api",
      title: "ERCOT Public API",
      status: worstOf(api, apiConfigured ? "ok" : "off"),
      mode: apiConfigured ? (ewsConfigured ? "fallback after EWS" : "Public API preferred") : "not configured",
      detail: apiConfigured
        ? "A fresh id_token is requested on every run."
        : "Set ERCOT_SUBSCRIPTION_KEY, ERCOT_USERNAME and ERCOT_PASSWORD to enable.",
      variables: api,
    },
    {
      id: "ercot-scrape",
      title: "ERCOT scraping",
      status: worstOf(scrape, ewsConfigured || apiConfigured ? "ok" : "warn"),
      mode: ewsConfigured || apiConfigured ? "last-resort fallback" : preferred,
      detail: "Product page → MIS document list → mirDownload. No credentials needed.",
      variables: scrape,
    },
  ];
}
