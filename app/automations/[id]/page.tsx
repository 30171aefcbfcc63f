import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { AutomationView } from "@/server/automations/automation-engine";
import { isHubError } from "@/server/errors";
import type { HubApi } from "@/server/hub-api";
import { requireUser } from "../../_lib/current-user";
import { displayNames } from "../../_lib/display-names";
import { editorCatalog } from "../../_lib/editor-catalog";
import { hub } from "../../_lib/hub";
import { AppShell } from "../../_components/app-shell";
import { AutomationActions } from "../../_components/automations/automation-actions";
import { AutomationEditor } from "../../_components/automations/automation-editor";
import { EnabledSwitch, IssueList, LastRun } from "../../_components/automations/automation-list";
import { RevisionList } from "../../_components/automations/revision-list";
import { RuleSummaryView } from "../../_components/automations/rule-summary-view";
import { TraceList } from "../../_components/automations/trace-list";
import "../../automations.css";

function findAutomation(api: HubApi, id: string): AutomationView | undefined {
  try {
    return api.automations.get(id);
  } catch (err) {
    if (isHubError(err) && err.code === "not_found") return undefined;
    throw err;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  return { title: findAutomation(await hub(), decodeURIComponent(id))?.alias ?? "Automation" };
}

export default async function AutomationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const { api, principal } = await requireUser(`/automations/${raw}`);
  const automation = findAutomation(api, decodeURIComponent(raw));
  if (!automation) notFound();
  const home = api.home();
  const timeZone = home?.timeZone ?? "UTC";
  const canEdit = canManage(principal.user);
  const traces = api.automations.traces(automation.id);
  // Newest first; the newest two carry their YAML for the diff shown by default, the rest load when opened.
  const revisions = api.automations.revisions(automation.id).map(({ revision, saved_at, saved_by, action, source }, i) => ({ revision, saved_at, saved_by, action, ...(i < 2 ? { source } : {}) }));
  const names = displayNames(api);
  const renderedAt = Date.now();
  const newest = traces[0];
  const latest = newest ? { outcome: newest.outcome, summary: newest.summary, started_at: newest.started_at } : null;
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <div className="automations">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link href="/automations">← Automations</Link>
        </nav>
        <div className="page-head">
          <div className="automation-head">
            <h1 className="page-title">{automation.alias}</h1>
            {automation.description && <p className="muted">{automation.description}</p>}
            <LastRun automation={automation} latest={latest} now={renderedAt} timeZone={timeZone} />
          </div>
          {canEdit && <EnabledSwitch key={String(automation.enabled)} id={automation.id} alias={automation.alias} enabled={automation.enabled} refresh />}
        </div>
        {automation.errors.length > 0 && (
          <div className="alert alert-error">
            <p>This rule does not run as saved:</p>
            <IssueList issues={automation.errors} label="Problems with the saved rule" />
          </div>
        )}
        <div className="columns automation-columns">
          <section className="card" aria-label="Rule">
            <RuleSummaryView config={automation.config} names={names} timeZone={timeZone} />
            <AutomationEditor id={automation.id} source={automation.source} canEdit={canEdit} catalog={editorCatalog(api, principal)} />
            <AutomationActions id={automation.id} alias={automation.alias} canEdit={canEdit} runnable={automation.enabled && automation.errors.length === 0} />
          </section>
          <div className="stack">
            <TraceList id={automation.id} initial={traces} renderedAt={renderedAt} timeZone={timeZone} names={names} />
            <RevisionList id={automation.id} revisions={revisions} current={automation.revision} canEdit={canEdit} timeZone={timeZone} />
          </div>
        </div>
      </div>
    </AppShell>
  );
}
