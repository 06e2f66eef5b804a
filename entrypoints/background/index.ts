export default defineBackground(() => {
  console.info('Refund Desk background started');
});
