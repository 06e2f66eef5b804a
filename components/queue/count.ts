/** A count of rows or payments as the queue page shows it: "1,204". */
export const formatCount = (value: number) => value.toLocaleString('en-US');
