import { Controller, Get, Inject, MessageEvent, Param, ParseUUIDPipe, Sse } from '@nestjs/common';
import { catchError, concat, from, interval, map, merge, Observable, of } from 'rxjs';
import { ActivityService } from '../activity/activity.service';
import { ClearService } from '../clear/clear.service';
import { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { FleetView, FleetViewService } from './fleet-view.service';

/**
 * LiveController streams what the pages show live (Server-Sent Events): the worker list and the
 * activity list (`/live/workers`), a clear run's progress (`/live/clear/:commandId`), and
 * `/live/workers.json` for the polling fallback. Session login, like the pages.
 */
@Controller('live')
export class LiveController {
  constructor(
    private readonly fleet: FleetViewService,
    private readonly activity: ActivityService,
    private readonly clear: ClearService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('workers.json')
  workersJson(): Promise<FleetView> {
    return this.fleet.current();
  }

  @Sse('workers')
  workers(): Observable<MessageEvent> {
    const initial = from(this.fleet.current()).pipe(
      map((view): MessageEvent => ({ type: 'fleet', data: view })),
      catchError((error: Error) =>
        of<MessageEvent>({ type: 'unavailable', data: { message: error.message } }),
      ),
    );
    const updates = merge(
      this.fleet.changes$.pipe(map((view): MessageEvent => ({ type: 'fleet', data: view }))),
      this.activity.added$.pipe(map((line): MessageEvent => ({ type: 'activity', data: line }))),
    );
    return merge(concat(initial, updates), this.heartbeat());
  }

  @Sse('clear/:commandId')
  clearProgress(
    @Param('commandId', new ParseUUIDPipe()) commandId: string,
  ): Observable<MessageEvent> {
    const updates = this.clear.updates$(commandId).pipe(
      map((u): MessageEvent => ({
        type: u.type,
        data: u.type === 'progress' ? u.progress : u.result,
      })),
    );
    return merge(updates, this.heartbeat());
  }

  private heartbeat(): Observable<MessageEvent> {
    return interval(this.config.LIVE_HEARTBEAT_S * 1000).pipe(
      map((): MessageEvent => ({ type: 'ping', data: '' })),
    );
  }
}
