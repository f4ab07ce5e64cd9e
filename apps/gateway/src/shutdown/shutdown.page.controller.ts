import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { describeError } from '../http/describe-error';
import { exitOnceAnswered, GatewayExit } from './gateway-exit';
import { ShutdownProgress, ShutdownService } from './shutdown.service';

/** PROGRESS_MARK is where the streamed "Stopping" page inserts its progress lines. */
const PROGRESS_MARK = '<!--progress-->';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function renderView(res: Response, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) =>
    res.render(view, locals, (error: Error | null, html?: string) =>
      error ? reject(error) : resolve(html ?? ''),
    ),
  );
}

/**
 * ShutdownPageController is the "Stopping" page. After the confirmation, the answer is streamed:
 * each step and the worker states while the pool drains appear as they happen, then what was
 * done; then the gateway stops, once that page is flushed or its reader is gone. The run does
 * not depend on the page: a closed tab stops nothing halfway.
 */
@Controller('stopping')
export class ShutdownPageController {
  constructor(
    private readonly shutdown: ShutdownService,
    private readonly exit: GatewayExit,
  ) {}

  @Get()
  page(@Res() res: Response): void {
    res.render('stopping', { title: 'Stopping', nav: 'stopping' });
  }

  @Post()
  async stop(@Res() res: Response, @Body() form: Record<string, unknown>): Promise<void> {
    if (form?.confirm !== 'yes') {
      res.status(400).render('stopping', {
        title: 'Stopping',
        nav: 'stopping',
        error: 'Tick the box to confirm that every worker and the manager must stop.',
      });
      return;
    }
    const html = await renderView(res, 'stopping-run', {
      title: 'Stopping',
      nav: 'stopping',
      mark: PROGRESS_MARK,
    });
    const [head, tail] = html.split(PROGRESS_MARK);
    res.status(200);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.write(head);
    const line = (p: ShutdownProgress) => {
      const time = p.at.slice(11, 19);
      res.write(`<li><time>${time}</time> ${escapeHtml(p.text)}</li>\n`);
    };
    try {
      const report = await this.shutdown.run(line);
      const seconds = (report.durationMs / 1000).toFixed(1);
      const terminated = report.workersTerminated.length
        ? report.workersTerminated.map(escapeHtml).join(', ')
        : 'none were running';
      res.write(
        '</ol><section class="result ok" id="stopping-done"><h2>Everything is stopped</h2><ul>' +
          `<li>Workers terminated: ${terminated}.</li>` +
          '<li>Auto-scaler disabled.</li>' +
          '<li>Fleet, metrics, scaler and janitor asked to stop.</li>' +
          '<li>This manager stops now; start it again to continue.</li>' +
          `</ul><p>Done in ${seconds} s.</p></section><ol hidden>`,
      );
      exitOnceAnswered(res, this.exit, 'Stopping page');
    } catch (error) {
      const answer = describeError(error);
      res.write(
        '</ol><section class="result error" id="stopping-failed"><h2>Stopping did not finish</h2>' +
          `<p>${escapeHtml(answer.message)}</p><p>The manager keeps running.</p></section><ol hidden>`,
      );
    }
    res.end(tail);
  }
}
