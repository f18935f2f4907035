// `auto`: the automatic forecaster of `eval forecast` and the inventory
// stage. See docs/FORECASTING.md for what it does and why.

import { ForecastEngine, type Forecast } from './engine.js';

/** Forecasts y h steps with the automatic choice for period m. */
export function autoForecast(engine: ForecastEngine, y: ArrayLike<number>, h: number, m: number, level = 0.95): Forecast & { model: string } {
  const season = m > 1 && m <= 24 ? m : 1;
  const model = engine.auto(y, season);
  const f = engine.predict(model, h, level);
  return { ...f, model: 'ets' };
}
