export type Field = [name: string, value: string];
export function hiddenFields(html: string, label: string): Field[];
export function actionId(fields: Field[]): string;
export function formBody(fields: Field[], visible: Record<string, string>): FormData;
export function multipart(fields: Field[]): { contentType: string; body: string };
