import * as vscode from 'vscode';
import type { RecordsCapability, TableField, TableInfo } from '../../core/records';
import { InvalidInputError, UnsupportedError } from '../../core/errors';
import { recordIdAt, type TableFormat } from '../../core/tablecodec';
import { activeEditorUri, targetOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import type { Services } from '../types';
import { ui } from '../ui';
import { baseName, withPath } from '../uri';
import { capabilityOf, nameOf, uriIn, type With } from './common';

/**
 * Tables (the `records` capability) as documents: every vendor whose store has records gets these commands, on a
 * folder (New Datasheet…), on a table document in the tree or the editor (Add Field…, Delete Field…, Refresh
 * Table), and on the record under the cursor of an open table document (Upload Attachment…, Copy Record Link). Saving
 * is the file system's (core TableFiles): the records a save created get their ids shown as the editor reloads.
 */

const formatOf = (path: string): TableFormat => (/\.json$/i.test(path) ? 'json' : 'csv');

export function registerTableCommands(s: Services): vscode.Disposable[] {
  const noRecords = (what: string) => vscode.l10n.t("'{0}' is not a table: these commands work on datasheets.", what);

  /** The table document a command acts on (tree row, editor, palette: the active editor). */
  const tableOf = async (arg: unknown): Promise<{ m: With<'records'>; uri: vscode.Uri; table: TableInfo; records: RecordsCapability }> => {
    const t = targetOf(s, arg);
    if (t.type === 'folder') throw new InvalidInputError(noRecords(nameOf(s, t)));
    const m = await capabilityOf(s, t, 'records', noRecords);
    const table = await m.caps.records.table(m.path);
    return { m, uri: uriIn(t, m, m.path), table, records: m.caps.records };
  };

  /** Makes an open editor of the document read the table again (after a change made outside the document). */
  const reload = (m: With<'records'>, uri: vscode.Uri) => {
    m.caps.records.documents?.forget(m.path);
    s.files.notify([{ uri, type: vscode.FileChangeType.Changed }]);
  };

  /** The record under the cursor of the active editor showing `uri`. */
  const recordAtCursor = (uri: vscode.Uri, path: string): string | undefined => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.toString() !== uri.toString()) return undefined;
    return recordIdAt(formatOf(path), editor.document.getText(), editor.selection.active.line);
  };

  const pickField = async (fields: TableField[], placeHolder: string, which: (f: TableField) => boolean, none: string): Promise<TableField> => {
    const list = fields.filter(which);
    if (!list.length) throw new UnsupportedError(none);
    if (list.length === 1) return list[0];
    return (await ui().pick(list.map((f) => ({ label: f.name, description: f.type, f })), { placeHolder })).f;
  };

  return [
    // After a save that created records: the editor reloads to show their ids (the next save then updates them).
    vscode.workspace.onDidSaveTextDocument(async (doc) => {
      const ref = s.files.refOf(doc.uri);
      if (!ref) return;
      try {
        const m = await s.files.resolve(ref);
        if (m.caps.records?.documents?.takeReload(m.path)) s.files.notify([{ uri: doc.uri, type: vscode.FileChangeType.Changed }]);
      } catch (e) {
        s.log.debug(`Reload after saving ${doc.uri.toString()} failed`, e);
      }
    }),

    s.command('docWorkspaces.newTable', async (arg?: unknown) => {
      const t = targetOf(s, arg);
      const folder = t.type === 'file' ? withPath(t, t.path.split('/').slice(0, -1).join('/')) : t;
      const m = await capabilityOf(s, folder, 'records', (what) => vscode.l10n.t("'{0}' cannot hold datasheets.", what));
      if (!m.caps.records.createTable) throw new UnsupportedError(vscode.l10n.t("'{0}' cannot hold datasheets.", nameOf(s, folder)));
      const where = nameOf(s, folder);
      const name = await ui().input({
        title: vscode.l10n.t("New datasheet in '{0}'", where), prompt: vscode.l10n.t('Name of the datasheet'),
        validateInput: (v) => (!v.trim() ? vscode.l10n.t('Enter a name.') : v.length > 100 ? vscode.l10n.t('At most 100 characters.') : undefined),
      });
      const made = await m.caps.records.createTable(m.path, name.trim());
      s.files.forgetListings();
      s.tree.refresh();
      const uri = uriIn(folder, m, made);
      await vscode.commands.executeCommand('vscode.open', uri);
      void ui().notify('info', vscode.l10n.t("Datasheet '{0}' created in '{1}'.", name.trim(), where));
    }),

    s.command('docWorkspaces.addField', async (arg?: unknown) => {
      const { m, uri, table, records } = await tableOf(arg);
      if (!records.addField) throw new UnsupportedError(vscode.l10n.t("Fields of '{0}' cannot be added here.", table.name));
      const name = await ui().input({
        title: vscode.l10n.t("New field in '{0}'", table.name), prompt: vscode.l10n.t('Name of the field'),
        validateInput: (v) => (!v.trim() ? vscode.l10n.t('Enter a name.') : v.length > 100 ? vscode.l10n.t('At most 100 characters.') : undefined),
      });
      const { type } = await ui().pick((records.fieldTypes ?? ['SingleText']).map((type) => ({ label: type, type })), { placeHolder: vscode.l10n.t("Type of the field '{0}'", name.trim()) });
      await records.addField(table, { name: name.trim(), type });
      reload(m, uri);
      void ui().notify('info', vscode.l10n.t("Field '{0}' added to '{1}'.", name.trim(), table.name));
    }),

    s.command('docWorkspaces.deleteField', async (arg?: unknown) => {
      const { m, uri, table, records } = await tableOf(arg);
      if (!records.deleteField) throw new UnsupportedError(vscode.l10n.t("Fields of '{0}' cannot be deleted here.", table.name));
      const fields = await records.fields(table);
      const field = await pickField(fields, vscode.l10n.t("Field of '{0}' to delete", table.name), (f) => !f.primary, vscode.l10n.t("'{0}' has no field that can be deleted.", table.name));
      await ui().confirm(vscode.l10n.t("Delete the field '{0}' of '{1}' with all its values?", field.name, table.name), { detail: vscode.l10n.t('This cannot be undone here.') }, vscode.l10n.t('Delete Field'));
      await records.deleteField(table, field.id);
      reload(m, uri);
      void ui().notify('info', vscode.l10n.t("Field '{0}' deleted from '{1}'.", field.name, table.name));
    }),

    s.command('docWorkspaces.uploadAttachment', async (arg?: unknown) => {
      const { m, uri, table, records } = await tableOf(arg ?? activeEditorUri());
      if (!records.attach) throw new UnsupportedError(vscode.l10n.t("'{0}' takes no attachments here.", table.name));
      const recordId = recordAtCursor(uri, m.path) ?? (await ui().input({
        title: vscode.l10n.t("Upload attachment into '{0}'", table.name), prompt: vscode.l10n.t('Record id (put the cursor on its row in the open document to skip this)'),
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a record id.')),
      })).trim();
      const field = await pickField(await records.fields(table), vscode.l10n.t('Attachment field of record {0}', recordId), (f) => f.kind === 'attachments' && !f.readOnly,
        vscode.l10n.t("'{0}' has no attachment field.", table.name));
      const files = await ui().openDialog({ canSelectMany: true, openLabel: vscode.l10n.t('Upload'), title: vscode.l10n.t("Files for '{0}' of record {1}", field.name, recordId) });
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      await withCancellableProgress(vscode.l10n.t("Uploading into '{0}'", table.name), async (signal, report) => {
        for (const [i, f] of files.entries()) {
          report(vscode.l10n.t('{0} ({1} of {2})', baseName(f.path), i + 1, files.length), 100 / files.length);
          const data = await vscode.workspace.fs.readFile(f);
          await records.attach!(table, recordId, field.id, { name: baseName(f.path), data }, { signal });
        }
      });
      if (!doc?.isDirty) reload(m, uri);
      void ui().notify('info', files.length === 1
        ? vscode.l10n.t("'{0}' attached to record {1} ('{2}').", baseName(files[0].path), recordId, field.name)
        : vscode.l10n.t("{0} files attached to record {1} ('{2}').", files.length, recordId, field.name));
    }),

    s.command('docWorkspaces.copyRecordLink', async (arg?: unknown) => {
      const { m, uri, table } = await tableOf(arg ?? activeEditorUri());
      const recordId = recordAtCursor(uri, m.path);
      if (!recordId) throw new InvalidInputError(vscode.l10n.t('Put the cursor on the row of a saved record first (new rows have no link until they are saved).'));
      if (!table.recordUrl) throw new UnsupportedError(vscode.l10n.t("Records of '{0}' have no web address.", table.name));
      await vscode.env.clipboard.writeText(table.recordUrl(recordId));
      void ui().notify('info', vscode.l10n.t('Link of record {0} copied to the clipboard.', recordId));
    }),

    s.command('docWorkspaces.refreshTable', async (arg?: unknown) => {
      const { m, uri, table } = await tableOf(arg ?? activeEditorUri());
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.isDirty) {
        await ui().confirm(vscode.l10n.t("Discard your unsaved changes to '{0}' and read it again?", table.name), {}, vscode.l10n.t('Discard and Refresh'));
        m.caps.records.documents?.forget(m.path);
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      } else {
        reload(m, uri);
      }
      s.files.forgetListings();
      s.tree.refresh();
    }),
  ];
}

