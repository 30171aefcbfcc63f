import { alarmControlPanelPlatform } from "./alarm-control-panel";
import { binarySensorPlatform } from "./binary-sensor";
import { buttonPlatform } from "./button";
import { cameraPlatform } from "./camera";
import { climatePlatform } from "./climate";
import { coverPlatform } from "./cover";
import { deviceAutomationPlatform } from "./device-automation";
import { deviceTrackerPlatform } from "./device-tracker";
import { eventPlatform } from "./event";
import { fanPlatform } from "./fan";
import { humidifierPlatform } from "./humidifier";
import { imagePlatform } from "./image";
import { lawnMowerPlatform } from "./lawn-mower";
import { lightPlatform } from "./light";
import { lockPlatform } from "./lock";
import { notifyPlatform } from "./notify";
import { numberPlatform } from "./number";
import type { Component, PlatformDefinition } from "./platform";
import { scenePlatform } from "./scene";
import { selectPlatform } from "./select";
import { sensorPlatform } from "./sensor";
import { sirenPlatform } from "./siren";
import { switchPlatform } from "./switch";
import { tagPlatform } from "./tag";
import { textPlatform } from "./text";
import { updatePlatform } from "./update";
import { vacuumPlatform } from "./vacuum";
import { valvePlatform } from "./valve";
import { waterHeaterPlatform } from "./water-heater";

/** Every MQTT platform Hearth decodes, by component name. */
export const PLATFORMS: Readonly<Record<Component, PlatformDefinition<unknown>>> = {
  alarm_control_panel: alarmControlPanelPlatform as PlatformDefinition<unknown>,
  binary_sensor: binarySensorPlatform as PlatformDefinition<unknown>,
  button: buttonPlatform as PlatformDefinition<unknown>,
  camera: cameraPlatform as PlatformDefinition<unknown>,
  climate: climatePlatform as PlatformDefinition<unknown>,
  cover: coverPlatform as PlatformDefinition<unknown>,
  device_automation: deviceAutomationPlatform as PlatformDefinition<unknown>,
  device_tracker: deviceTrackerPlatform as PlatformDefinition<unknown>,
  event: eventPlatform as PlatformDefinition<unknown>,
  fan: fanPlatform as PlatformDefinition<unknown>,
  humidifier: humidifierPlatform as PlatformDefinition<unknown>,
  image: imagePlatform as PlatformDefinition<unknown>,
  lawn_mower: lawnMowerPlatform as PlatformDefinition<unknown>,
  light: lightPlatform as PlatformDefinition<unknown>,
  lock: lockPlatform as PlatformDefinition<unknown>,
  notify: notifyPlatform as PlatformDefinition<unknown>,
  number: numberPlatform as PlatformDefinition<unknown>,
  scene: scenePlatform as PlatformDefinition<unknown>,
  select: selectPlatform as PlatformDefinition<unknown>,
  sensor: sensorPlatform as PlatformDefinition<unknown>,
  siren: sirenPlatform as PlatformDefinition<unknown>,
  switch: switchPlatform as PlatformDefinition<unknown>,
  tag: tagPlatform as PlatformDefinition<unknown>,
  text: textPlatform as PlatformDefinition<unknown>,
  update: updatePlatform as PlatformDefinition<unknown>,
  vacuum: vacuumPlatform as PlatformDefinition<unknown>,
  valve: valvePlatform as PlatformDefinition<unknown>,
  water_heater: waterHeaterPlatform as PlatformDefinition<unknown>,
};
