/** In-framework tests of the campaign layer. */
package org.kumiki.campaign.test;
