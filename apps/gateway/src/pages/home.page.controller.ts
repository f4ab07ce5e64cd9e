import { Controller, Get, Render } from '@nestjs/common';

/** HomePageController is "Home": what each function of the manager does, with links. */
@Controller()
export class HomePageController {
  @Get()
  @Render('home')
  home(): object {
    return { title: 'Home', nav: 'home' };
  }
}
