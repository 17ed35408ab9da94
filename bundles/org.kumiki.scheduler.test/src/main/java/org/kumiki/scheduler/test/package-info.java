/** In-framework tests of the scheduler. */
package org.kumiki.scheduler.test;
