/**
 * On-call helpers: a short tone and a desktop notification for each new (unsuppressed, unsilenced)
 * alert at or above "major". Both are opt-in and remembered in localStorage.
 */
import type { Alert } from '../../../shared';
import { severityRank } from '../../../../domain';
import { alertSummary } from './alert-text';
import { t } from './i18n';

const SOUND_KEY = 'egov-noc.sound';
const DESKTOP_KEY = 'egov-noc.desktop';

class OnCall {
  sound = $state(localStorage.getItem(SOUND_KEY) === 'on');
  desktop = $state(
    localStorage.getItem(DESKTOP_KEY) === 'on' &&
      'Notification' in window &&
      Notification.permission === 'granted',
  );
  desktopDenied = $state(false);
  private audio: AudioContext | null = null;

  toggleSound(): void {
    this.sound = !this.sound;
    localStorage.setItem(SOUND_KEY, this.sound ? 'on' : 'off');
    if (this.sound) this.beep();
  }

  async toggleDesktop(): Promise<void> {
    if (this.desktop) {
      this.desktop = false;
      localStorage.setItem(DESKTOP_KEY, 'off');
      return;
    }
    if (!('Notification' in window)) return;
    const permission = await Notification.requestPermission();
    this.desktopDenied = permission === 'denied';
    this.desktop = permission === 'granted';
    localStorage.setItem(DESKTOP_KEY, this.desktop ? 'on' : 'off');
  }

  announce(alert: Alert): void {
    if (severityRank(alert.severity) > severityRank('major')) return;
    if (this.sound) this.beep();
    if (this.desktop && document.visibilityState !== 'visible') {
      const n = new Notification(
        t('alerts.notifyTitle', { sev: t(`sev.${alert.severity}`), summary: alertSummary(alert) }),
        {
          body: alert.nodePath.join(' / '),
          tag: alert.id,
        },
      );
      n.onclick = () => {
        window.focus();
        n.close();
      };
    }
  }

  private beep(): void {
    this.audio ??= new AudioContext();
    const ctx = this.audio;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(880, ctx.currentTime);
    osc.frequency.setValueAtTime(660, ctx.currentTime + 0.18);
    gain.gain.setValueAtTime(0.0001, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.25, ctx.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.4);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.42);
  }
}

export const onCall = new OnCall();
