// First start: offer the demo pop-up, or set up the shop with its first
// organizer. Resolves with a message to show when choosing who sells.

import { call } from '../api.js';
import { h, clear, field, formValues, showFormError } from '../dom.js';

export function renderWelcome(root, ctx) {
  return new Promise((resolve) => {
    clear(root);
    const demoButton = h('button', {
      type: 'button', class: 'primary huge', id: 'load-demo',
      onclick: async () => {
        demoButton.disabled = true;
        try {
          const demo = await call('load_demo');
          resolve(`The demo pop-up is loaded: ${demo.products} products and a Winter Craft Fair. The organizer Maya's PIN is ${demo.organizer_pin}; the cashiers' PIN is ${demo.cashier_pin}.`);
        } catch (err) {
          demoButton.disabled = false;
          errorBox.textContent = err.message;
        }
      },
    }, 'Try the demo pop-up');
    const errorBox = h('p', { class: 'form-error', role: 'alert' });

    const form = h('form', { class: 'panel', id: 'setup-form', novalidate: true },
      h('h2', {}, 'Set up my shop'),
      field('Shop name', h('input', { name: 'shop_name', id: 'setup-shop', required: true, maxlength: '80' })),
      field('Currency', h('input', { name: 'currency', id: 'setup-currency', value: 'EUR', maxlength: '3' }), 'ISO code, e.g. EUR, GBP, USD'),
      field('Your name (organizer)', h('input', { name: 'organizer_name', id: 'setup-name', required: true, maxlength: '80' })),
      field('Organizer PIN', h('input', { name: 'pin', id: 'setup-pin', type: 'password', inputmode: 'numeric', maxlength: '12' }), 'At least 6 digits'),
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'setup-submit' }, 'Create my shop')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = formValues(form);
      try {
        await call('set_up_shop', { input: { shop_name: v.shop_name, currency: v.currency, organizer_name: v.organizer_name, pin: v.pin } });
        resolve(null);
      } catch (err) {
        showFormError(form, err);
      }
    });

    root.append(h('section', { class: 'welcome', id: 'welcome' },
      h('h1', {}, 'Welcome to Popup Till'),
      h('p', { class: 'lead' }, 'An offline till for one-day shops, craft fairs and pop-ups. Everything stays on this computer.'),
      h('div', { class: 'welcome-grid' },
        h('section', { class: 'panel' },
          h('h2', {}, 'See it working'),
          h('p', {}, 'Load a small refill-and-crafts shop with forty products, an upcoming fair and a team of four. You can look around without setting anything up.'),
          demoButton, errorBox),
        form)));
  });
}
