import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { FLEET_LIST, FleetListReply } from '@app/contracts';
import { FleetListService } from './fleet-list.service';

/** FleetListMessageController answers the FLEET_LIST query. */
@Controller()
export class FleetListMessageController {
  constructor(private readonly fleetList: FleetListService) {}

  @MessagePattern(FLEET_LIST.pattern)
  list(): Promise<FleetListReply> {
    return this.fleetList.list();
  }
}
