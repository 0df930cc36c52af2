/**
 * The application's configuration: a properties or YAML file plus environment overrides, with
 * every key foleystream reads listed in {@link io.foleystream.config.ConfigKeys}.
 */
package io.foleystream.config;
