// What the bench sends each app: the sample's first page and a create (the API), the page (the web). Replace the
// sample entity and these follow it.
export const requests = {
  api: {
    read: { name: "GET /notes (the first page)", method: "GET", path: "/notes" },
    write: {
      name: "POST /notes",
      method: "POST",
      path: "/notes",
      json: { text: "a note about as long as a short note is" },
    },
  },
  web: { read: { name: "GET / (rendered with the API's first page)", method: "GET", path: "/" } },
};
