import * as vscode from 'vscode';
import { type Logger, renderLogLine as render } from '../core/log';

/**
 * The core Logger backed by the "Doc Workspaces" LogOutputChannel. Everything (message and arguments) is rendered to
 * one string and passed through core `redact()` before it reaches the channel, so nothing unredacted is ever written.
 * Lines below the channel's current level (a user setting, changeable at any time) are dropped before rendering:
 * redacting every HTTP debug line nobody sees is the expensive part.
 */
export function createChannelLogger(channel: vscode.LogOutputChannel): Logger {
  const shown = (level: vscode.LogLevel) => channel.logLevel !== vscode.LogLevel.Off && level >= channel.logLevel;
  return {
    trace: (m, ...a) => { if (shown(vscode.LogLevel.Trace)) channel.trace(render(m, a)); },
    debug: (m, ...a) => { if (shown(vscode.LogLevel.Debug)) channel.debug(render(m, a)); },
    info: (m, ...a) => { if (shown(vscode.LogLevel.Info)) channel.info(render(m, a)); },
    warn: (m, ...a) => { if (shown(vscode.LogLevel.Warning)) channel.warn(render(m, a)); },
    error: (m, ...a) => { if (shown(vscode.LogLevel.Error)) channel.error(render(m, a)); },
  };
}
