import { type Random, clamp, drift, round } from "../noise";

/** Aqara WSDCGQ11LM: temperature, humidity and pressure wander around the room's climate. */
export class AqaraClimateSensor {
  readonly #rng: Random;
  readonly #meanTemperature: number;
  #temperature: number;
  #humidity: number;
  #pressure: number;
  #battery = 97;
  #linkquality: number;
  #lastReport = Date.now();

  constructor(rng: Random) {
    this.#rng = rng;
    this.#meanTemperature = rng.between(20, 22.5);
    this.#temperature = this.#meanTemperature + rng.gaussian() * 0.3;
    this.#humidity = rng.between(40, 55);
    this.#pressure = rng.between(1005, 1020);
    this.#linkquality = Math.round(rng.between(120, 180));
  }

  /** The state JSON the sensor's next report produces (keys sorted, as Z2M publishes them). */
  report(): string {
    const now = Date.now();
    const dtS = clamp((now - this.#lastReport) / 1000, 0.1, 3600);
    this.#lastReport = now;
    const rng = this.#rng;
    this.#temperature = drift(this.#temperature, this.#meanTemperature, 0.01, 0.03, dtS, rng);
    this.#humidity = clamp(drift(this.#humidity, 48, 0.005, 0.08, dtS, rng), 20, 95);
    this.#pressure = drift(this.#pressure, 1013, 0.001, 0.02, dtS, rng);
    this.#linkquality = Math.round(clamp(drift(this.#linkquality, 150, 0.05, 3, dtS, rng), 30, 255));
    if (rng.chance(0.0005)) this.#battery = Math.max(1, this.#battery - 1);
    return JSON.stringify({
      battery: this.#battery,
      humidity: round(this.#humidity, 2),
      linkquality: this.#linkquality,
      power_outage_count: 5,
      pressure: round(this.#pressure, 1),
      temperature: round(this.#temperature, 2),
      voltage: 2800 + this.#battery * 2,
    });
  }
}

/** Aqara MCCGQ11LM door contact: mostly closed (`contact: true`), now and then opened for a while. */
export class AqaraContactSensor {
  readonly #rng: Random;
  #contact = true;
  #battery = 91;
  #linkquality: number;

  constructor(rng: Random) {
    this.#rng = rng;
    this.#linkquality = Math.round(rng.between(90, 140));
  }

  report(): string {
    const rng = this.#rng;
    // Each report is either a heartbeat or a change: doors open now and then and are closed again soon.
    if (this.#contact ? rng.chance(0.08) : rng.chance(0.4)) this.#contact = !this.#contact;
    this.#linkquality = Math.round(clamp(this.#linkquality + rng.gaussian() * 4, 30, 255));
    return JSON.stringify({
      battery: this.#battery,
      contact: this.#contact,
      linkquality: this.#linkquality,
      voltage: 3015,
    });
  }
}
