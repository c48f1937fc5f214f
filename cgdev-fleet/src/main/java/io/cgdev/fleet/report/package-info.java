/** The fleet report: JSON ({@link io.cgdev.fleet.report.FleetJson}) and HTML with SVG charts ({@link io.cgdev.fleet.report.FleetHtml}). */
package io.cgdev.fleet.report;
